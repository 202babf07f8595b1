/** The `ws` client as the subscription specs use it (the package ships no types and @types/ws is not installed). */
declare module 'ws' {
  export default class WebSocket {
    constructor(url: string, protocols?: string | string[], options?: { headers?: Record<string, string> });
    close(code?: number, reason?: string): void;
  }
}
