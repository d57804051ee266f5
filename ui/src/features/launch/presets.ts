import type { LaunchRequest } from "../../ipc/launch";
import type { LaunchPreset } from "../../ipc/settings";

/** The form with a preset's settings applied. The dialog launches the image it was opened
 *  for, so the preset's own image is not taken over (it is shown beside its name). */
export function applyPreset(form: LaunchRequest, preset: LaunchPreset): LaunchRequest {
  return { ...preset.request, image: form.image };
}

/** A name for a new preset, from what the form launches: "busybox x3". */
export function suggestName(form: LaunchRequest): string {
  const base = form.image.split("/").pop()?.split(/[:@]/)[0] ?? form.image;
  const n = form.replicas.trim();
  return n && n !== "1" ? `${base} x${n}` : base;
}
