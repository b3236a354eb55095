package ids

import "testing"

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{"张伟": "张*", "李建国": "李*国", "欧阳秋锋": "欧**锋", " 王芳 ": "王*", "王": "*", "": "", "阿卜杜·热合曼": "阿*****曼"} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}
