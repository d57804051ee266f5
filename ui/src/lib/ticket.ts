/** A fresh id naming one stream (log follow, pull) for the backend's stop/cancel. */
export function newTicket(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
