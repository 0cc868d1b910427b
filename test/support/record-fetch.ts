/**
 * Every URL the code under test fetches while `fn` runs (fledge's HTTP all goes through global
 * fetch: masto.js and the t.co lookup), so a test can assert that nothing but the test server was
 * contacted. The real fetch still does the work.
 */
export async function recordFetches<T>(fn: () => Promise<T>): Promise<{ readonly result: T; readonly urls: readonly string[] }> {
  const urls: string[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    urls.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return original(input, init);
  };
  try {
    return { result: await fn(), urls };
  } finally {
    globalThis.fetch = original;
  }
}
