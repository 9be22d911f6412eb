machine Switch {
    initial state Off;
    state On;
    event toggle: Off -> On, On -> Off;
}
