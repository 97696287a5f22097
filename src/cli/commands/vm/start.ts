/** `tl vm start -g MC_… -n NODE`: power the VM on; it boots through Secure Boot and measured boot again. */
import { vmAction } from './_action.js';

export const command = vmAction('start', 'Start a stopped virtual machine.', [
  { summary: 'Start a node.', command: 'az vm start -g MC_myResourceGroup_myAKSCluster_eastus -n aks-nodepool1-12345678-vmss000000' },
]);
