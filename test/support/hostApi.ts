// One request to a running host's HTTP API (docs/api.md, "HTTP"), for the tests and
// benchmarks that drive the headless host as a separate process.
export async function hostRequest<T>(baseUrl: string, token: string, name: string, params: unknown = {}): Promise<T> {
  const res = await fetch(new URL(`/api/request/${name}`, baseUrl), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = (await res.json()) as T;
  if (!res.ok) throw new Error(`${name}: ${JSON.stringify(body)}`);
  return body;
}
