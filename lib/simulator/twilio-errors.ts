/** An error answered the way Twilio's REST API answers it, so the SDK raises a RestException. */
export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'TwilioApiError';
  }

  toResponse(): Response {
    return Response.json(
      { code: this.code, message: this.message, more_info: `https://www.twilio.com/docs/errors/${this.code}`, status: this.status },
      { status: this.status },
    );
  }
}

/** Twilio's 20404 for anything the fake API does not know, including everything when the simulator is off. */
export const twilioNotFound = () => new TwilioApiError(404, 20404, 'The requested resource was not found');

/** RFC 2822 in GMT, the way Twilio writes date_created: "Thu, 30 Jul 2015 20:12:31 +0000". */
export function rfc2822(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

type Handler<C> = (req: Request, ctx: C) => Promise<Response>;

/** Route wrapper for the fake Twilio API: errors come back in Twilio's JSON shape, as the SDK expects. */
export function twilioRoute<C>(handler: Handler<C>): Handler<C> {
  return async (req, ctx) => {
    try {
      return await handler(req, ctx);
    } catch (err) {
      if (err instanceof TwilioApiError) return err.toResponse();
      const { logger } = await import('@/lib/logger');
      logger.error({ err }, 'simulator twilio api failed');
      return new TwilioApiError(500, 20500, 'Internal Server Error').toResponse();
    }
  };
}
