/** Lessons (backend `ipc/lessons.rs`): every built lesson with its steps checked on the engine
 *  (and the steps reached before, remembered in the config folder), a step's click, the wait
 *  for the next engine event that may change a check, clean-up, and "start over". */
import { call } from "./core";
import type { LessonId } from "./bindings/LessonId";
import type { LessonLink } from "./bindings/LessonLink";
import type { LessonObject } from "./bindings/LessonObject";
import type { LessonsOverview } from "./bindings/LessonsOverview";
import type { LessonStatus } from "./bindings/LessonStatus";
import type { ObjectKind } from "./bindings/ObjectKind";
import type { StepStatus } from "./bindings/StepStatus";

export type { LessonId, LessonLink, LessonObject, LessonsOverview, LessonStatus, ObjectKind, StepStatus };

/** Every lesson, each step's check evaluated on the engine now (steps reached now are
 *  remembered), and a word when the progress file could not be used or saved. */
export function lessonsStatus(): Promise<LessonsOverview> {
  return call<LessonsOverview>("lessons_status");
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

/** Removes the lesson's objects among `names` (those the confirmation showed). */
export function lessonCleanup(lesson: LessonId, names: string[]): Promise<string[]> {
  return call<string[]>("lesson_cleanup", { lesson, names });
}

/** Forgets which steps of `lesson` were reached (the engine is not touched). */
export function lessonStartOver(lesson: LessonId): Promise<void> {
  return call<void>("lesson_start_over", { lesson });
}
