/**
 * How many characters the planner's text passes (length counting, URL and mention scans, splitting)
 * have looked at, summed. A counter, not a clock: the property test asserts that planning a post
 * costs work linear in its length (issue 11: a 50 MB post once made the planner run for minutes),
 * which a timed test could only guess at on a busy machine. Adding to a number is all it costs.
 */
export const textWork = { chars: 0 };

export function meterText(text: string): void {
  textWork.chars += text.length;
}
