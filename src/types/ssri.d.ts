// Minimal types for ssri 13 (subresource integrity, as npm uses it), which ships none.
declare module 'ssri' {
  interface Integrity {
    toString(): string;
    pickAlgorithm(): string;
  }
  function parse(sri: string, options?: { single?: boolean; strict?: boolean }): Integrity;
  function fromData(data: Buffer | string, options?: { algorithms?: string[] }): Integrity;
  function fromHex(hex: string, algorithm: string): Integrity;
  /** Returns the matching hash, or false when `data` does not match `sri`. */
  function checkData(data: Buffer | string, sri: string | Integrity, options?: { error?: boolean }): false | object;
  const ssri: { parse: typeof parse; fromData: typeof fromData; fromHex: typeof fromHex; checkData: typeof checkData };
  export default ssri;
}
