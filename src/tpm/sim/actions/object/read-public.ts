/** TPM2_ReadPublic (Part 3 §12.4). */
import { TPM2_ReadPublic } from '../../../commands/read-public.js';
import { action } from '../../action.js';

export const readPublic = action(TPM2_ReadPublic, ({ entities }) => {
  const o = entities[0]!.object!;
  return { outPublic: o.public, name: o.name, qualifiedName: o.qualifiedName };
});
