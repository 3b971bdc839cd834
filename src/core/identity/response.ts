/** An HTTP answer, written as is by the framework adapter. */
export interface IdentityResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function json(status: number, value: unknown, cacheControl = 'no-store', headers: Record<string, string> = {}): IdentityResponse {
  return { status, headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': cacheControl }, body: JSON.stringify(value) };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
