import { openConversation } from '../app/route';

export interface Alerts {
  enable(): Promise<void>;
  conversationWaiting(conversationId: number): void;
}

/**
 * A short beep (WebAudio, no sound file) and a desktop notification when a customer starts waiting
 * for a person. The notification names the conversation only: customer text stays in the console.
 */
export function createAlerts(): Alerts {
  let audio: AudioContext | undefined;

  function beep(): void {
    if (!audio) return;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.3);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.3);
  }

  return {
    async enable() {
      audio ??= new AudioContext();
      await audio.resume();
      if ('Notification' in window && Notification.permission === 'default') await Notification.requestPermission();
    },
    conversationWaiting(conversationId) {
      beep();
      if (!('Notification' in window) || Notification.permission !== 'granted') return;
      const notification = new Notification('有客户在等待人工', { body: `会话 #${conversationId}`, tag: `conversation-${conversationId}` });
      notification.onclick = () => {
        window.focus();
        openConversation(conversationId);
      };
    },
  };
}
