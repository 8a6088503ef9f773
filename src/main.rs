fn main() {
    checkout_explorer::start();
}
