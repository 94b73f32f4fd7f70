import { classifyAwsError } from './errors.js';

type Stack = { middlewareStack: { add(middleware: unknown, options: unknown): void } };

/**
 * Reports every call a client makes — its IAM-style operation and outcome (`ok`, or the fault kind such as
 * `throttled`) — to `onCall`, for the metrics. Added once per client; retries inside the SDK count as one call.
 */
export function instrumentClient(
  client: Stack,
  service: string,
  onCall: (operation: string, outcome: string) => void,
) {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: unknown) => {
        const operation = `${service}:${String(context.commandName).replace(/Command$/, '')}`;
        try {
          const result = await next(args);
          onCall(operation, 'ok');
          return result;
        } catch (error) {
          onCall(operation, classifyAwsError(error, operation).kind);
          throw error;
        }
      },
    { step: 'initialize', name: 'awsMfaBotMetrics' },
  );
}
