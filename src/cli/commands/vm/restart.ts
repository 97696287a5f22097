/** `tl vm restart -g MC_… -n NODE`: reboot; a tamper recorded with `tl vm tamper` takes effect now. */
import { vmAction } from './_action.js';

export const command = vmAction('restart', 'Restart VMs.', [
  { summary: 'Restart a node (the next boot is verified and measured afresh).', command: 'az vm restart -g MC_myResourceGroup_myAKSCluster_eastus -n aks-nodepool1-12345678-vmss000000' },
]);
