package cluster

import (
	"fmt"
	"strings"
)

// slurmConf renders a minimal slurm.conf: no accounting daemon, jobcomp/filetxt
// for per-task end states, and the timeouts that make a dead node's task
// restart within about half a minute instead of minutes.
func slurmConf(c *Cluster, ctlHost string) string {
	d := c.StateDir
	var b strings.Builder
	lines := []string{
		"ClusterName=" + fmt.Sprintf("rtwasm%d", c.net.Slot),
		fmt.Sprintf("SlurmctldHost=%s(%s)", ctlHost, bridgeAddr(c.net.Slot)),
		// A port per slot, so clusters in parallel test binaries do not collide.
		fmt.Sprintf("SlurmctldPort=%d", ctldPort(c.net.Slot)),
		"SlurmdPort=6818",
		"SlurmUser=root",
		"SlurmdUser=root",
		"AuthType=auth/munge",
		"CredType=cred/munge",
		// cred_expire bounds how long a requeued task waits before it may start again.
		"AuthInfo=socket=" + c.mungeSocket() + ",cred_expire=10",
		"StateSaveLocation=" + d + "/ctld",
		"SlurmdSpoolDir=" + d + "/spool/%n",
		"SlurmctldPidFile=" + d + "/slurmctld.pid",
		"SlurmdPidFile=" + d + "/slurmd-%n.pid",
		"SlurmctldLogFile=" + d + "/log/slurmctld.log",
		"SlurmdLogFile=" + d + "/log/slurmd-%n.log",
		"ProctrackType=proctrack/linuxproc",
		"TaskPlugin=task/affinity",
		"SelectType=select/cons_tres",
		"SelectTypeParameters=CR_Core",
		"JobCompType=jobcomp/filetxt",
		"JobCompLoc=" + c.JobCompLoc,
		"JobAcctGatherType=jobacct_gather/none",
		"AccountingStorageType=accounting_storage/none",
		"MpiDefault=none",
		"SwitchType=switch/none",
		"MailProg=/bin/true",
		"SlurmdTimeout=10",
		"ReturnToService=2",
		"JobRequeue=1",
		"MinJobAge=600",
		"SchedulerParameters=sched_interval=2",
		"InactiveLimit=0",
		"KillWait=5",
	}
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	for i := 1; i <= c.nodes; i++ {
		fmt.Fprintf(&b, "NodeName=n%d NodeAddr=%s CPUs=1 State=UNKNOWN\n", i, nodeAddr(c.net.Slot, i))
	}
	fmt.Fprintf(&b, "PartitionName=%s Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n", c.Partition)
	return b.String()
}

func ctldPort(slot int) int { return 16817 + slot }
