/** Structured JSON logs (pino). Every request logs through a child logger bound to its request id. */
import pino from 'pino';

export type Logger = pino.Logger;

/** `destination`: where the lines go (default standard output); tests pass a stream to read them. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = { level, base: { service: 'health-community-hub' }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}
