import { request as httpRequest } from 'node:http';

export interface RawRequest {
  method?: string;
  path: string;
  /** An array value is sent as that many header lines (fetch would fold them into one). */
  headers?: Record<string, string | string[]>;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A plain HTTP/1.1 request to 127.0.0.1, headers sent exactly as given. */
export function send(baseUrl: string, { method = 'GET', path, headers = {} }: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, { method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    for (const [name, value] of Object.entries(headers)) req.setHeader(name, value);
    req.on('error', reject);
    req.end();
  });
}
