/** `tl vm reimage -g MC_… -n NODE`: restore the VM's disk from its node image (undoes a tamper) and boot it. */
import { vmAction } from './_action.js';

export const command = vmAction('reimage', 'Reimage (upgrade the operating system of) a virtual machine from its node image.', [
  { summary: 'Reimage a node.', command: 'az vm reimage -g MC_myResourceGroup_myAKSCluster_eastus -n aks-nodepool1-12345678-vmss000000' },
]);
