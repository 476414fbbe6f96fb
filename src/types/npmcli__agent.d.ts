// Minimal types for @npmcli/agent 4 (npm's HTTP agents with proxy support), which ships none.
declare module '@npmcli/agent' {
  import type { Agent } from 'node:http';
  function getAgent(url: string | URL, options?: Record<string, unknown>): Agent;
  export { getAgent };
}
