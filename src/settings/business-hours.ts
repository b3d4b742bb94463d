import { type BusinessHours, WEEKDAYS, type Weekday } from './handover-settings-schema.ts';

/** The wall clock in a time zone: its date (YYYY-MM-DD), weekday and HH:MM. */
function wallClock(at: Date, timeZone: string): { date: string; weekday: Weekday; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'long',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  const weekday = String(parts.weekday).toLowerCase() as Weekday;
  if (!WEEKDAYS.includes(weekday)) throw new Error(`unexpected weekday ${parts.weekday}`);
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday, time: `${parts.hour}:${parts.minute}` };
}

/**
 * Whether people answer at `at`: always, when business hours are off; else not on a closed date,
 * and only inside one of the day's intervals (from included, to excluded) in the company's zone.
 */
export function isOpenAt(hours: BusinessHours, at: Date): boolean {
  if (!hours.enabled) return true;
  const { date, weekday, time } = wallClock(at, hours.timezone);
  if (hours.closures.some((closure) => closure.date === date)) return false;
  return hours.weekly[weekday].some((interval) => interval.from <= time && time < interval.to);
}

/** The out-of-hours message when nobody answers at `at`, else undefined. */
export function outOfHoursMessage(hours: BusinessHours, at: Date): string | undefined {
  return isOpenAt(hours, at) ? undefined : hours.message;
}
