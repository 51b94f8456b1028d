/** Structured JSON logs (pino). Every request logs through a child logger bound to its request id. */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'health-community-hub' }, timestamp: pino.stdTimeFunctions.isoTime });
}
