export const console = 'harbor console';
