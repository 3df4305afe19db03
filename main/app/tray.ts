// Electron glue for the tray icon: renders TrayState with the icon for its status, a tooltip and
// the menu from buildTrayMenuTemplate, and forwards clicks as TrayActions. When the menu is
// built is tray-menu-refresh.ts' decision (replacing an open menu closes it). Decides nothing.
import { join } from 'node:path';
import { Menu, Tray, nativeImage, type NativeImage } from 'electron';
import { buildTrayMenuTemplate, trayIconName, trayTooltip, type TrayAction, type TrayIconName, type TrayState } from './tray-menu-template.js';
import { planTrayMenuUpdate, trayMenuMode } from './tray-menu-refresh.js';

export interface AppTray {
  update(state: TrayState): void;
  destroy(): void;
}

export interface AppTrayOptions {
  iconDir: string;
  platform: NodeJS.Platform;
  dispatch: (action: TrayAction) => void;
  initial: TrayState;
  now?: () => number;
}

export function createAppTray(options: AppTrayOptions): AppTray {
  const now = options.now ?? Date.now;
  const images = new Map<TrayIconName, NativeImage>();
  // createFromPath picks up name@2x.png beside name.png on high-density screens.
  const image = (name: TrayIconName): NativeImage => {
    let found = images.get(name);
    if (!found) {
      found = nativeImage.createFromPath(join(options.iconDir, `${name}.png`));
      images.set(name, found);
    }
    return found;
  };

  let state = options.initial;
  let shown: TrayState | null = null;
  let builtAt = 0;
  let later: ReturnType<typeof setTimeout> | null = null;
  // Quit removes the icon at once while the gateway is still stopping and reporting its state.
  let destroyed = false;
  const tray = new Tray(image(trayIconName(state.status)));
  const buildMenu = () => Menu.buildFromTemplate(buildTrayMenuTemplate(state, options.dispatch));
  if (trayMenuMode(options.platform) === 'build-on-open') {
    // Windows convention: a left click opens the app, a right click the menu, built as it opens.
    tray.on('click', () => options.dispatch({ type: 'open-dashboard' }));
    tray.on('right-click', () => tray.popUpContextMenu(buildMenu()));
  }

  const render = () => {
    tray.setImage(image(trayIconName(state.status)));
    tray.setToolTip(trayTooltip(state));
    const plan = planTrayMenuUpdate(options.platform, shown, state, now() - builtAt);
    if (plan.kind === 'rebuild') {
      if (later !== null) clearTimeout(later);
      later = null;
      tray.setContextMenu(buildMenu());
      shown = state;
      builtAt = now();
    } else if (plan.kind === 'rebuild-later' && later === null) {
      later = setTimeout(() => {
        later = null;
        render();
      }, plan.inMs);
    }
  };
  render();

  return {
    update(next) {
      state = next;
      if (!destroyed) render();
    },
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      if (later !== null) clearTimeout(later);
      later = null;
      tray.destroy();
    },
  };
}
