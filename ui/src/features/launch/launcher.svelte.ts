/** Which image the launch dialog is open for (null: closed). Any view may open it. */
export const launchDialog = $state<{ image: string | null }>({ image: null });

export function openLaunch(image: string): void {
  launchDialog.image = image;
}
