import { httpRequest } from '@berth/testing';

/** One HTTP request with a hard timeout (the shared helper; see libs/testing). */
export const httpCall = httpRequest;

/** Polls until the URL answers 200 or the deadline passes; returns the last failure otherwise. */
export async function waitForHttpOk(url: string, timeoutMs: number): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  let last = 'never answered';
  while (Date.now() < deadline) {
    try {
      const res = await httpCall(url, { timeoutMs: 2_000 });
      if (res.status === 200) return null;
      last = `HTTP ${res.status}: ${res.body.slice(0, 200)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return `${url} not OK after ${timeoutMs} ms; last: ${last}`;
}
