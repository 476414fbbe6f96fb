// Minimal types for @npmcli/map-workspaces 5, which ships none.
declare module '@npmcli/map-workspaces' {
  interface MapWorkspacesOptions {
    cwd: string;
    pkg: { workspaces?: string[] | { packages?: string[] } };
  }
  /** Map of workspace package name to its absolute folder. */
  function mapWorkspaces(options: MapWorkspacesOptions): Promise<Map<string, string>>;
  export default mapWorkspaces;
}
