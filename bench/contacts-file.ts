import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Writes a guest history file for `openstay import contacts` (bench/import-contacts.ts): `count`
 * contacts as JSON lines or CSV, in bench/data/ (gitignored), made the same every time (a seeded
 * generator). Realistic: each contact has a PMS key (foreignId), a name and a language; 30 % were
 * booked through a travel agency and carry its shared phone and a placeholder or shared agency
 * e-mail (the identity rules must not merge them); 5 % of lines repeat an earlier contact with a
 * change (duplicates across the file: an update, not a new guest); 20 % carry one past stay.
 */

export const AGENCY_PHONE = '+34911234567';
const AGENCY_EMAILS = ['noreply@agency.example', 'bookings@agency.example'];
const FIRST = ['Ann', 'Bob', 'Carla', 'Dmitri', 'Eva', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jon', 'Karin', 'Luis'];
const LAST = ['Lind', 'Garcia', 'Smith', 'Berg', 'Rossi', 'Novak', 'Kim', 'Silva'];
const LANGS = ['en', 'es', 'sv', 'de', 'fr'];

const dataDir = () => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/data');

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Row {
  foreignId: string;
  firstName: string;
  lastName: string;
  email: string;
  mobile: string;
  language: string;
  stay?: { ref: string; arrival: string; departure: string; room: string; status: 'poststay' };
}

function* rows(count: number): Generator<Row> {
  const r = prng(1_000_003);
  let made = 0;
  for (let i = 0; i < count; i++) {
    const duplicate = made > 100 && r() < 0.05;
    const n = duplicate ? Math.floor(r() * made) : made++;
    const agency = n % 10 < 3;
    const row: Row = {
      foreignId: `PMS-${n}`,
      firstName: FIRST[n % FIRST.length],
      lastName: LAST[Math.floor(n / FIRST.length) % LAST.length],
      email: agency ? AGENCY_EMAILS[n % 2] : `guest${n}@mail.example`,
      mobile: agency ? AGENCY_PHONE : `+4670${String(1_000_000 + n).padStart(7, '0')}`,
      language: LANGS[(n + (duplicate ? 1 : 0)) % LANGS.length],
    };
    if (n % 5 === 0) {
      const day = new Date(Date.UTC(2024, 0, 1) + (n % 700) * 86_400_000);
      const out = new Date(day.getTime() + 3 * 86_400_000);
      row.stay = { ref: `R-${n}`, arrival: day.toISOString(), departure: out.toISOString(), room: String(100 + (n % 300)), status: 'poststay' };
    }
    yield row;
  }
}

const CSV_HEADER = 'foreignId,firstName,lastName,email,mobile,language,stay.ref,stay.arrival,stay.departure,stay.room,stay.status';

/** Writes the file (unless it exists already with this count) and returns its path. */
export function contactsFile(count: number, format: 'jsonl' | 'csv'): string {
  const dir = dataDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `contacts-${count}.${format}`);
  if (fs.existsSync(file)) return file;
  const fd = fs.openSync(`${file}.tmp`, 'w');
  let buffer: string[] = [];
  const flush = () => {
    fs.writeSync(fd, buffer.join(''));
    buffer = [];
  };
  if (format === 'csv') buffer.push(`${CSV_HEADER}\n`);
  for (const row of rows(count)) {
    if (format === 'jsonl') {
      const { stay, ...rest } = row;
      buffer.push(`${JSON.stringify(stay ? { ...rest, stays: [stay] } : rest)}\n`);
    } else {
      const s = row.stay;
      buffer.push(
        `${[row.foreignId, row.firstName, row.lastName, row.email, row.mobile, row.language, s?.ref ?? '', s?.arrival ?? '', s?.departure ?? '', s?.room ?? '', s?.status ?? ''].join(',')}\n`,
      );
    }
    if (buffer.length >= 10_000) flush();
  }
  flush();
  fs.closeSync(fd);
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const count = Number(process.argv[2] ?? 1_000_000);
  const format = process.argv[3] === 'csv' ? 'csv' : 'jsonl';
  process.stdout.write(`${contactsFile(count, format)}\n`);
}
