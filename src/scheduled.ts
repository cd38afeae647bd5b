/**
 * Cron dispatch. "Now" is `controller.scheduledTime`, never the wall clock, so a test or
 * `/cdn-cgi/handler/scheduled?cron=…&time=…` can replay any date.
 */
export const CRONS = {
  daily: "0 3 * * *",
  outbox: "*/10 * * * *",
} as const;

export async function scheduled(controller: ScheduledController, _env: Env, _ctx: ExecutionContext): Promise<void> {
  switch (controller.cron) {
    case CRONS.daily:
    case CRONS.outbox:
      // The jobs arrive with the expiry and reminders issue; the triggers are declared already.
      return;
    default:
      throw new Error(`Unknown cron: ${controller.cron}`);
  }
}
