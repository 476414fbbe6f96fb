// Minimal types for npm-registry-fetch 19 (npm's own registry HTTP client), which ships none.
declare module 'npm-registry-fetch' {
  /** npm's flat configuration (`registry`, `//host/:_authToken`, `timeout`, …) plus request options. */
  export interface FetchOptions {
    registry?: string;
    method?: string;
    headers?: Record<string, string>;
    body?: unknown;
    query?: Record<string, string | undefined>;
    timeout?: number;
    retry?: { retries?: number; factor?: number; minTimeout?: number; maxTimeout?: number };
    /** A node Agent, or a function of the request URL returning one (passed through to minipass-fetch). */
    agent?: unknown;
    integrity?: string;
    signal?: AbortSignal;
    [option: string]: unknown;
  }
  export interface FetchResponse {
    status: number;
    statusText: string;
    url: string;
    headers: { get(name: string): string | null };
    buffer(): Promise<Buffer>;
    json(): Promise<unknown>;
    text(): Promise<string>;
  }
  interface RegistryFetch {
    (uri: string, options?: FetchOptions): Promise<FetchResponse>;
    json(uri: string, options?: FetchOptions): Promise<unknown>;
    getAuth(uri: string, options?: FetchOptions): { token?: string; auth?: string; regKey?: string | false; authKey?: string | null };
  }
  const registryFetch: RegistryFetch;
  export default registryFetch;
}
