package ids

import "testing"

func TestMaskIDCard(t *testing.T) {
	tests := []struct{ in, want string }{
		{"450102199001011234", "450102********1234"},
		{" 11010519491231002x ", "110105********002X"},
		{"110105491231002", "110105*****1002"}, // an old 15-digit number
		{"12345678901", "123456*8901"},
		{"1234567890", "**********"},
		{"12345", "*****"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskIDCard(tt.in); got != tt.want {
			t.Errorf("MaskIDCard(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{" 19912345678 ", "199****5678"},
		{"0771-5551234", "077*******34"},
		{"+8613812345678", "+86*********78"},
		{"23812345678", "238******78"}, // 11 digits but not a mobile number
		{"123456", "123*56"},
		{"12345", "*****"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
