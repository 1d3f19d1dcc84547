/** Reads a JSON file of a model folder; unreadable or invalid files are MODEL_FOLDER errors naming the file. */
import { readFile } from 'node:fs/promises';
import { ModelFolderError } from '../../shared/errors';

export async function readModelJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ModelFolderError(`cannot read ${file}: ${(e as Error).message}`, { file });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelFolderError(`${file} is not valid JSON: ${(e as Error).message}`, { file });
  }
}
