import dayjs, { type Dayjs } from 'dayjs';
import type { BusinessHoursDocument } from './settings-queries';

export const WEEKDAYS = [
  ['monday', '周一'],
  ['tuesday', '周二'],
  ['wednesday', '周三'],
  ['thursday', '周四'],
  ['friday', '周五'],
  ['saturday', '周六'],
  ['sunday', '周日'],
] as const;
type Weekday = (typeof WEEKDAYS)[number][0];

/** The business hours as the form holds them: the pickers' dayjs values. */
export interface BusinessHoursForm {
  enabled: boolean;
  timezone: string;
  weekly: Record<Weekday, Array<[Dayjs, Dayjs]>>;
  closures: Array<{ date: Dayjs; note?: string }>;
  message: string;
}

const CLOCK = 'HH:mm';
/** A time picker stops at 23:59: a day open until midnight (24:00) shows as 23:59, and 23:59 is saved as 24:00. */
const END_OF_DAY = '24:00';
const LAST_MINUTE = '23:59';
const clock = (time: string) => dayjs(time === END_OF_DAY ? LAST_MINUTE : time, CLOCK);

export function toForm(document: BusinessHoursDocument): BusinessHoursForm {
  const weekly = Object.fromEntries(
    WEEKDAYS.map(([day]) => [day, document.weekly[day].map(({ from, to }) => [clock(from), clock(to)])]),
  ) as BusinessHoursForm['weekly'];
  return {
    ...document,
    weekly,
    closures: document.closures.map((closure) => ({ ...closure, date: dayjs(closure.date) })),
  };
}

export function fromForm(form: BusinessHoursForm): BusinessHoursDocument {
  const end = (time: Dayjs) => (time.format(CLOCK) === LAST_MINUTE ? END_OF_DAY : time.format(CLOCK));
  const weekly = Object.fromEntries(
    WEEKDAYS.map(([day]) => [
      day,
      (form.weekly[day] ?? []).filter(Boolean).map(([from, to]) => ({ from: from.format(CLOCK), to: end(to) })),
    ]),
  ) as BusinessHoursDocument['weekly'];
  return {
    ...form,
    weekly,
    closures: (form.closures ?? [])
      .filter((closure) => closure?.date)
      .map(({ date, note }) => ({ date: date.format('YYYY-MM-DD'), ...(note?.trim() && { note: note.trim() }) })),
  };
}
