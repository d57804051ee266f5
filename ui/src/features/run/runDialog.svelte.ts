/** Whether the "Run an image…" dialog is open. Any view may open it (Images, Containers, their empty states). */
export const runDialog = $state<{ open: boolean }>({ open: false });

export function openRunImage(): void {
  runDialog.open = true;
}
