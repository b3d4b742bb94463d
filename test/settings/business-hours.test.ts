import test from 'ava';
import { isOpenAt } from '../../src/settings/business-hours.ts';
import { type BusinessHours, DEFAULT_BUSINESS_HOURS } from '../../src/settings/handover-settings-schema.ts';

/** Monday to Friday 09:00–12:00 and 13:00–18:00 in Shanghai (UTC+8, no daylight saving), closed 2027-02-17. */
const hours: BusinessHours = {
  ...DEFAULT_BUSINESS_HOURS,
  enabled: true,
  weekly: {
    ...DEFAULT_BUSINESS_HOURS.weekly,
    monday: [
      { from: '09:00', to: '12:00' },
      { from: '13:00', to: '18:00' },
    ],
    wednesday: [{ from: '00:00', to: '24:00' }],
  },
  closures: [{ date: '2027-02-17', note: '春节' }],
};

test('business hours are read on the company’s wall clock: from included, to excluded, the lunch break closed', (t) => {
  // 2027-02-15 is a Monday. 01:00 UTC is 09:00 in Shanghai.
  t.false(isOpenAt(hours, new Date('2027-02-15T00:59:00Z')), '08:59');
  t.true(isOpenAt(hours, new Date('2027-02-15T01:00:00Z')), '09:00');
  t.false(isOpenAt(hours, new Date('2027-02-15T04:00:00Z')), '12:00, the break');
  t.true(isOpenAt(hours, new Date('2027-02-15T09:59:00Z')), '17:59');
  t.false(isOpenAt(hours, new Date('2027-02-15T10:00:00Z')), '18:00');
  t.false(isOpenAt(hours, new Date('2027-02-14T02:00:00Z')), 'Sunday has no hours');
  t.true(isOpenAt({ ...hours, timezone: 'UTC' }, new Date('2027-02-15T09:00:00Z')), 'the same instant, another zone');
});

test('a closed date closes the whole day, and business hours off are always open', (t) => {
  // 2027-02-17 is a Wednesday, open all day but for the closure; 16:30 UTC on the 16th is already the 17th in Shanghai.
  t.false(isOpenAt(hours, new Date('2027-02-16T16:30:00Z')));
  t.true(isOpenAt(hours, new Date('2027-02-24T15:59:00Z')), 'the next Wednesday at 23:59, open until 24:00');
  t.true(isOpenAt({ ...hours, enabled: false }, new Date('2027-02-16T16:30:00Z')));
});
