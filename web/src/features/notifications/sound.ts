let context: AudioContext | undefined;

/**
 * A short two-note chime made with WebAudio (no file to ship or fetch): 880 Hz then 1320 Hz, 90 ms
 * each, soft. Browsers allow it once the page has had a user gesture; before that it stays silent.
 */
export function playChime(): void {
  try {
    context ??= new AudioContext();
    const start = context.currentTime + 0.01;
    for (const [i, frequency] of [880, 1320].entries()) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = frequency;
      const at = start + i * 0.1;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.15, at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.09);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.1);
    }
  } catch (error) {
    console.warn("easyqr: no sound", error);
  }
}
