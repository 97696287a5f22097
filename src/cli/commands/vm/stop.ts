/** `tl vm stop -g MC_… -n NODE`: power the VM off (Compute's powerOff). */
import { vmAction } from './_action.js';

export const command = vmAction('powerOff', 'Power off (stop) a running virtual machine.', [
  { summary: 'Power off a node.', command: 'az vm stop -g MC_myResourceGroup_myAKSCluster_eastus -n aks-nodepool1-12345678-vmss000000' },
]);
