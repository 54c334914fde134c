public static class Placeholder {}
