fn main() {
    checkout_explorer::start_bench();
}
