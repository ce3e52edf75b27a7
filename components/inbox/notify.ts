'use client';

const MUTE_KEY = 'parley.notifications.muted';

export function isMuted(): boolean {
  return typeof window !== 'undefined' && window.localStorage.getItem(MUTE_KEY) === '1';
}

export function setMuted(muted: boolean) {
  window.localStorage.setItem(MUTE_KEY, muted ? '1' : '0');
}

let ctx: AudioContext | undefined;

/** A short two-tone chime (no audio file needed). */
function chime() {
  try {
    ctx ??= new AudioContext();
    const now = ctx.currentTime;
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, now + i * 0.15);
      gain.gain.exponentialRampToValueAtTime(0.2, now + i * 0.15 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.15 + 0.14);
      osc.connect(gain).connect(ctx.destination);
      osc.start(now + i * 0.15);
      osc.stop(now + i * 0.15 + 0.15);
    }
  } catch {
    // Audio may be blocked until the user interacts with the page.
  }
}

/** Sound + desktop notification for a new chat offered or assigned (unless muted). */
export function notifyNewChat(title: string, body: string) {
  if (isMuted()) return;
  chime();
  if (typeof Notification !== 'undefined' && Notification.permission === 'granted' && document.visibilityState !== 'visible') {
    try {
      new Notification(title, { body, tag: 'parley-chat' });
    } catch {
      // Some browsers only allow notifications from a service worker.
    }
  }
}
