// The part of libnpmpublish 11 that the harness and the publish benchmark call;
// the package ships no types of its own.
declare module 'libnpmpublish' {
  export function publish(manifest: Record<string, unknown>, tarball: Buffer, options: Record<string, unknown>): Promise<unknown>;
}
