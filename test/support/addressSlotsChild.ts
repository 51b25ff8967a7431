// Child process for the media address-cap test: a web process that takes N slots for one address,
// says so on stdout, and keeps renewing them until it is killed.
import { Redis } from 'ioredis';
import { AddressSlots } from '../../server/live/media/addressSlots.ts';

const [address, count, limit, ttlMs] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
const redis = new Redis(process.env.REDIS_URL!);
const slots = new AddressSlots(redis, process.env.REDIS_PREFIX!, limit, ttlMs);
const taken: (string | null)[] = [];
for (let i = 0; i < count; i += 1) taken.push(await slots.take(address));
process.stdout.write(`${JSON.stringify({ taken: taken.filter(Boolean).length })}\n`);
// Held open (renewals run on an unref'd timer): a crash, not an exit, ends it.
setInterval(() => undefined, 1 << 30);
