// Minimal types for libnpmpack 9 (npm's own pack step), which ships none.
declare module 'libnpmpack' {
  interface PackOptions {
    /** Skip the prepack, prepare and postpack scripts. */
    ignoreScripts?: boolean;
    /** Run scripts with inherited stdio instead of capturing it. */
    foregroundScripts?: boolean;
    /** `false` writes the tarball to `packDestination`; anything else keeps it in memory. */
    dryRun?: boolean;
    packDestination?: string;
    [option: string]: unknown;
  }
  /** A Buffer with the fetcher's metadata attached. */
  type PackedTarball = Buffer & { integrity?: string; resolved?: string; from?: string };
  function pack(spec?: string, options?: PackOptions): Promise<PackedTarball>;
  export default pack;
}
