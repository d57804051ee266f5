/** Lessons (backend `ipc/lessons.rs`): every built lesson with its steps checked on the engine,
 *  a step's click, the wait for the next engine event that may change a check, and clean-up. */
import { call } from "./core";
import type { LessonId } from "./bindings/LessonId";
import type { LessonObject } from "./bindings/LessonObject";
import type { LessonStatus } from "./bindings/LessonStatus";
import type { StepStatus } from "./bindings/StepStatus";

export type { LessonId, LessonObject, LessonStatus, StepStatus };

/** Every lesson, each step's check evaluated on the engine now. */
export function lessonsStatus(): Promise<LessonStatus[]> {
  return call<LessonStatus[]>("lessons_status");
}

/** Does step `step` (0-based) of `lesson` the way its button says. */
export function lessonAct(lesson: LessonId, step: number): Promise<void> {
  return call<void>("lesson_act", { lesson, step });
}

/** Resolves when the engine reports something that may change a check (true), or after at
 *  most 30 s (false): the view then asks again. */
export function lessonWait(lesson: LessonId): Promise<boolean> {
  return call<boolean>("lesson_wait", { lesson });
}

/** Removes the lesson's containers among `names` (those the confirmation showed). */
export function lessonCleanup(lesson: LessonId, names: string[]): Promise<string[]> {
  return call<string[]>("lesson_cleanup", { lesson, names });
}
