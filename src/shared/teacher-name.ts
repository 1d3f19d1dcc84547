/**
 * How a teacher built from a student architecture is named in records (pipeline reports, a distilled
 * student's config and model card): as the teacher, e.g. "teacher (textcnn ensemble of 5)", never
 * "student-…" or "… students": its outputs are the soft labels, and "student" is the model distilled.
 */
export function studentArchTeacherName(detail: string): string {
  return `teacher (${detail})`;
}
