/** The `Authorization` value of HTTP basic auth. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Basic auth from `user:password@` in a URL (percent-decoded), or undefined when the URL has none. */
export function basicAuthFromUrl(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined;
  return basicAuth(decodeURIComponent(url.username), decodeURIComponent(url.password));
}
