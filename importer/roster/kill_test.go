package roster

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKilledReadLeavesNoTempFiles reads, in a child process, a workbook
// whose shared strings spill to a temporary file, kills the child with
// SIGKILL in the middle of the sheet, and checks that nothing is left in
// its temporary folder: the file was unlinked as soon as it was created,
// and the system freed it with the process.
func TestKilledReadLeavesNoTempFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "many_shared_strings.xlsx")
	var sst, rows strings.Builder
	sst.WriteString(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>卡号</t></si><si><t>姓名</t></si>`)
	rows.WriteString(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`)
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&sst, `<si><t>%07d</t></si><si><t>会员%d</t></si>`, i, i)
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%[1]d" t="s"><v>%d</v></c><c r="B%[1]d" t="s"><v>%d</v></c></row>`, i+2, 2+2*i, 3+2*i)
	}
	sst.WriteString(`</sst>`)
	handXLSX(t, p, []string{sheetDoc(rows.String())}, false, map[string]string{"xl/sharedStrings.xml": sst.String()})

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSlowRead$", "-test.v")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "ROSTER_SLOW_READ="+p)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(out)
	ready := false
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "READING") {
			ready = true
			break
		}
	}
	if !ready {
		t.Fatalf("the child never started reading: %v", sc.Err())
	}
	// Alive, mid-read, with the spilled strings open: the folder is empty
	// already, and the file shows among the child's descriptors as deleted.
	if left := listDir(t, tmp); len(left) > 0 {
		t.Errorf("while reading, %s holds %v", tmp, left)
	}
	deleted := false
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", cmd.Process.Pid))
	for _, fd := range fds {
		target, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", cmd.Process.Pid, fd.Name()))
		if strings.HasPrefix(target, tmp+"/cardimport-strings-") && strings.HasSuffix(target, "(deleted)") {
			deleted = true
		}
	}
	if !deleted {
		t.Errorf("the child has no unlinked spill file open in %s", tmp)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, out)
	_ = cmd.Wait()
	if left := listDir(t, tmp); len(left) > 0 {
		t.Errorf("after SIGKILL, %s holds %v", tmp, left)
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestHelperSlowRead is the child of TestKilledReadLeavesNoTempFiles: it
// reads the workbook named by ROSTER_SLOW_READ with a tiny spill
// threshold, says READING once the shared strings are spilled and rows
// flow, and then reads slowly until it is killed.
func TestHelperSlowRead(t *testing.T) {
	p := os.Getenv("ROSTER_SLOW_READ")
	if p == "" {
		t.Skip("the child of TestKilledReadLeavesNoTempFiles")
	}
	spillBytes = 1 << 10
	r, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if x := r.src.(*xlsxSource); x.sst == nil || x.sst.arenaF == nil {
		t.Fatal("the shared strings did not spill")
	}
	for i := 0; ; i++ {
		if _, err := r.Next(); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		if i == 10 {
			fmt.Println("READING")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
