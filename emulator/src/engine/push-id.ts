/**
 * Push ids (REST POST): 8 characters of milliseconds, then 12 random ones; ids made in the same
 * millisecond increment the random part, so ids sort in creation order, as the SDKs' do.
 */
import { randomInt } from "node:crypto";

const PUSH_CHARS = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
let lastPushTime = 0;
const lastRandom: number[] = [];

export function nextPushId(now: number = Date.now()): string {
  const sameMillisecond = now === lastPushTime;
  lastPushTime = now;
  const timeChars: string[] = [];
  let time = now;
  for (let index = 0; index < 8; index++) {
    timeChars.unshift(PUSH_CHARS.charAt(time % 64));
    time = Math.floor(time / 64);
  }
  if (!sameMillisecond || lastRandom.length !== 12) {
    lastRandom.length = 0;
    for (let index = 0; index < 12; index++) lastRandom.push(randomInt(64));
  } else {
    let index = 11;
    while (index >= 0 && lastRandom[index] === 63) {
      lastRandom[index] = 0;
      index--;
    }
    if (index >= 0) lastRandom[index] = (lastRandom[index] ?? 0) + 1;
  }
  return timeChars.join("") + lastRandom.map((digit) => PUSH_CHARS.charAt(digit)).join("");
}
