export const api = 'harbor api';
