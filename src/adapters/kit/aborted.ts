/** Kit: the error a wait or request rejects with when its AbortSignal fires (ends loops quietly). */
export class AbortedError extends Error {
  constructor() {
    super('aborted');
    this.name = 'AbortedError';
  }
}
