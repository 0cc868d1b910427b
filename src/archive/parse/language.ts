/**
 * Twitter language codes → codes Mastodon accepts (mastodon-api.md §2.1: `valid_locale_cascade`,
 * LanguagesHelper::SUPPORTED_LOCALES). Twitter uses the deprecated ISO 639 codes `in` and `iw`,
 * and pseudo codes with no Mastodon equivalent (archive-format.md §4.2 `lang`): those become null,
 * so the post falls back to the user's posting language.
 */
const RENAMED: Record<string, string> = { in: 'id', iw: 'he', ji: 'yi', 'zh-cn': 'zh-CN', 'zh-tw': 'zh-TW' };
const PSEUDO = new Set(['und', 'qme', 'zxx', 'art', 'qht', 'qam', 'qct', 'qst', 'qcl', 'qmt', 'qnm']);

export function toLanguage(code: string | null): string | null {
  if (!code) return null;
  const lower = code.trim().toLowerCase();
  if (lower === '' || PSEUDO.has(lower) || /^q[a-t][a-z]$/.test(lower)) return null;
  if (RENAMED[lower]) return RENAMED[lower];
  if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/.test(lower)) return null;
  return lower;
}
