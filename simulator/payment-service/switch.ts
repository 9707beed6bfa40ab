/**
 * Up or down, for every listener of the service (plain and TLS): down when the control API said so
 * (`/control/down`) or while a whole-service `down` fault is installed.
 */
import type { SwitchableListener } from './listener.ts';

export class ServiceSwitch {
  private manualDown = false;

  constructor(
    private readonly listeners: readonly SwitchableListener[],
    private readonly faultDown: () => boolean,
  ) {}

  get isUp(): boolean {
    return this.listeners.every((listener) => listener.isUp);
  }

  async setManualDown(down: boolean): Promise<void> {
    this.manualDown = down;
    await this.apply();
  }

  /** Brings every listener to the state the switches ask for. */
  async apply(): Promise<void> {
    const up = !this.manualDown && !this.faultDown();
    await Promise.all(this.listeners.map((listener) => (up ? listener.up() : listener.down())));
  }
}
