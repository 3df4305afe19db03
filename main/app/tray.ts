// Electron glue for the tray icon: renders TrayState with the icon for its status, a tooltip and
// the menu from buildTrayMenuTemplate, and forwards clicks as TrayActions. Holds no state of its
// own and decides nothing.
import { join } from 'node:path';
import { Menu, Tray, nativeImage, type NativeImage } from 'electron';
import { buildTrayMenuTemplate, trayIconName, trayTooltip, type TrayAction, type TrayIconName, type TrayState } from './tray-menu-template.js';

export interface AppTray {
  update(state: TrayState): void;
  destroy(): void;
}

export function createAppTray(options: { iconDir: string; platform: NodeJS.Platform; dispatch: (action: TrayAction) => void; initial: TrayState }): AppTray {
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
  const tray = new Tray(image(trayIconName(state.status)));
  // Windows convention: a left click opens the app, a right click the menu.
  if (options.platform === 'win32') tray.on('click', () => options.dispatch({ type: 'open-dashboard' }));

  const render = () => {
    tray.setImage(image(trayIconName(state.status)));
    tray.setToolTip(trayTooltip(state));
    tray.setContextMenu(Menu.buildFromTemplate(buildTrayMenuTemplate(state, options.dispatch)));
  };
  render();

  return {
    update(next) {
      state = next;
      render();
    },
    destroy: () => tray.destroy(),
  };
}
